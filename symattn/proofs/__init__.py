"""Exact proofs about splines (filled in below)."""
