"""Open data portal for Chinese regional science-and-technology plans."""
