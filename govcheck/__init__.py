"""govcheck: compliance checking of governance documents against YAML rule packs."""

__version__ = "0.1.0"
