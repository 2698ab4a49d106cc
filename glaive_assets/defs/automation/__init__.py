"""What starts runs besides a person: the refresh job, the weekly schedule and declarative automation."""
