echo suite placeholder
