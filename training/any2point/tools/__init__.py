"""Command-line tools around the core training package: what prepares a lent GPU machine
(carry), trains several runs there (sweep), measures an exported model (latency), or combines
checkpoints (average). The core (train, evaluate, export and what they use) imports none of these."""
