"""glaive_source (the upstream rows) and glaive_raw (the rows read from it), and the sensor that watches the source."""
