"""The tiny course's lessons, one module each, with their migrations, starters and solutions."""
