"""What training knows of the households registry: villages and members, learnt from its facts."""
