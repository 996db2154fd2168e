"""Portfolio API: the serverless backend of a personal portfolio site."""

__version__ = "0.1.0"
