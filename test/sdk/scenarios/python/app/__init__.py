"""The "application" whose errors the Python recordings capture (its frames are in-app)."""
