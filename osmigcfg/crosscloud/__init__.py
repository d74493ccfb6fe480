"""crosscloud subsystem."""
