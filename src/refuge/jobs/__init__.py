"""Background jobs in the database: no server beyond the one Refuge already uses.

The API is `refuge.jobs.queue` (read its docstring); `refuge jobs work` runs a worker.
"""
