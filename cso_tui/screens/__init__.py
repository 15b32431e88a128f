"""Screens: one module per screen; they compose widgets and call the backend from workers."""
