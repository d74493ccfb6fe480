"""policy subsystem."""
