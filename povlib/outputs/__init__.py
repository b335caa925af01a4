"""What people see: figures and charts, tables for people, the site, the notebook build and
set-up, citations and the explorer."""
