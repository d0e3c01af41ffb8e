"""The teaching engine of Diffusion Classroom: schedules, the tiny UNet, samplers, data.

Never imports gradio (a test enforces it); the UI in ``ui/`` calls into this package.
"""
