"""The application around the models: start-up, paths, command line, window set-up."""

__version__ = "0.1.0"
APP_NAME = "Rapport"
