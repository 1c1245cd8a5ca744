"""advocacy: customer stories in Markdown, a static customer reference site out."""

__version__ = "0.1.0"
