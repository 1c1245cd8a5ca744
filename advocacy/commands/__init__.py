"""The commands of `advocacy`, one module each; advocacy/cli.py puts them together."""
