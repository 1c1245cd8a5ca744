"""Content files: front matter and Markdown in, validated records out."""
