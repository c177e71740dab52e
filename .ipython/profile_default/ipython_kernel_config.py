# The course's kernels (make lab, make test and make notebooks point IPYTHONDIR here) load the
# checker's notebook API at start, so that a %%answer cell works even before any import cell.
c = get_config()  # noqa: F821
c.InteractiveShellApp.extensions = ["checker.notebook"]
# The kernel itself is IPython's, which also collects the processes it ends at shutdown
# (checker/kernel.py): a restart takes no longer for a check run before it.
c.IPKernelApp.kernel_class = "checker.kernel.CourseKernel"
