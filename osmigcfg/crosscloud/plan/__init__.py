"""Plan: documents against a destination, item by item, with every
destination prerequisite (:mod:`.prereqs`) and the credential's Nova
policy (:mod:`.preflight`) checked before anything runs."""
