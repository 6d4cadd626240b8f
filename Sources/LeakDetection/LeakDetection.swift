/// Placeholder: the streaming trend detector arrives with issue 4.
public enum LeakDetectionInfo {}
