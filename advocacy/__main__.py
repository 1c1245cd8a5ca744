from advocacy.cli import main

main()
