"""The project's Scrapy commands (setting COMMANDS_MODULE)."""
