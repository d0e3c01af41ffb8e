"""The two worker pools every event joins, so that numpy-only slider work never waits behind the model.

On 2 cores one model job at a time (it uses both cores); light work (sliders, charts) runs up to 4 at once.
"""
MODEL = dict(concurrency_id="model", concurrency_limit=1)
LIGHT = dict(concurrency_id="light", concurrency_limit=4, show_progress="hidden")
