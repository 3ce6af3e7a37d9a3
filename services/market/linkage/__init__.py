"""Market linkage (R18–R21, §6): direct-supply channels, showcase windows, e-commerce points, cold chain, and a village's or base's verdicts."""
