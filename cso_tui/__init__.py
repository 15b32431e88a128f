"""cso-tui: the customer-service office of a water and electricity utility, in a terminal."""

__version__ = "0.1.0"
