"""Readers of the official CMS files (HCPCS, ASP pricing, NDC-HCPCS crosswalk, MUE)."""
