"""What each tab shows, as plain data (no pictures drawn in ui/): the forward process, reforms, denoising runs,
steering, the sampler race, the Lesson's experiments, the dye glass and 2-D diffusion on points."""
