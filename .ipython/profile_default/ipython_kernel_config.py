# The course's kernels (make lab, make test and make notebooks point IPYTHONDIR here) load the
# checker's notebook API at start, so that a %%answer cell works even before any import cell.
c = get_config()  # noqa: F821
c.InteractiveShellApp.extensions = ["checker.notebook"]
