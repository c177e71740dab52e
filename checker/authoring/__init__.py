"""Course authoring: notebooks generated from the lesson modules."""
