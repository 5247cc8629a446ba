// Bench module
