"""Date formats of the interface languages, where Django's own do not suit readers."""
