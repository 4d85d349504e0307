"""The one error services raise for a person's mistake; its message is Vietnamese."""


class ServiceError(ValueError):
    """Refused: the message says why, in words an editor understands."""
