"""Multiple systems estimation of incidents no source recorded (a plain package, no models)."""
