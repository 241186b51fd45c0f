"""Numerical kernels: numpy/scipy on arrays only.

No DuckDB, no pandas, no I/O. Arrays are country-major: node ``i = s * N + k`` is sector ``k`` of
country ``s``; ``G`` countries, ``N`` sectors, ``n = G * N``. Notation follows STYLE.md:
``B`` is the global Leontief inverse (I - A)^-1, ``L`` the local (domestic) inverses.
"""
