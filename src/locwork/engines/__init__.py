"""Machine-translation engines behind one small interface (see ``base``)."""
