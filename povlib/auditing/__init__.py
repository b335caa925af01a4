"""The audit: checks that the sources' own figures agree with each other, registered with
their labels, classes and assumptions."""
