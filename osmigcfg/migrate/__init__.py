"""migrate subsystem."""
