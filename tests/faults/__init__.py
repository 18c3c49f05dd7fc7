# The name under which a fault test records its figure (report.user_properties).
FAULT_FIGURE = "fault figure"
