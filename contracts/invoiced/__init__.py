"""Invoiced as the harness sees it: its wire rules (`checks`), what a write on a real account may
touch (`writes`), and the customer/contact reference model (`model`). The harness dialect that
puts them together is `contracts.dialects.invoiced`."""
