package dev.portcullis.config;

/**
 * The audit log.
 *
 * @param allowedSampleRate fraction of allowed requests written (0 to 1); denials are always written
 * @param queueCapacity     lines waiting for the writer; beyond it lines are dropped and counted
 */
public record AuditConfig(double allowedSampleRate, int queueCapacity) {
    public static AuditConfig defaults() {
        return new AuditConfig(1.0, 65536);
    }
}
