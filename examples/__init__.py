"""Example programs that use openlocker from outside, as its users would."""
