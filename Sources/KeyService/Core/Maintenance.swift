import Synchronization
import Logging
import ServiceLifecycle

extension KeyService {
    /// Destroys keys whose deletion window has ended, rotates keys whose rotation
    /// is due, deletes imported material past its ValidTo and import parameters
    /// past their 24 hours. Safe to call at any time; each key changes in its own commit.
    @discardableResult
    public func runMaintenance() async -> (destroyed: Int, rotated: Int, expired: Int) {
        let now = self.now
        let (due, rotations) = read { state in
            (state.keys.values.filter { $0.record.state == .pendingDeletion && ($0.record.deletionAt ?? now) <= now }.map(\.record.id),
             state.keys.values.filter {
                 $0.record.rotationEnabled && $0.record.state == .enabled && ($0.record.nextRotationAt.map { $0 <= now } ?? false)
             }.map(\.record.id))
        }
        await flushAccessKeyUse()
        var destroyed = 0, rotated = 0
        for id in due {
            do {
                let done = try await mutate { state, now in
                    guard let record = state.keys[id]?.record, record.state == .pendingDeletion,
                          let at = record.deletionAt, at <= now else { return ([], false) }
                    return ([.destroyKey(id: id, at: now)], true)
                }
                if done {
                    destroyed += 1
                    logger.notice("key material destroyed", metadata: ["keyId": "\(id)"])
                }
            } catch {
                logger.error("could not destroy a key due for deletion", metadata: ["keyId": "\(id)", "error": "\(error)"])
            }
        }
        for id in rotations {
            do {
                let record = try await updateKey(id, extraChanges: { record, now in
                    [.addVersion(try self.newVersion(keyId: record.id, spec: record.spec, version: record.latestVersion, type: .automatic, at: now))]
                }) { record in
                    guard record.rotationEnabled, record.state == .enabled, let next = record.nextRotationAt, next <= now,
                          let period = record.rotationPeriodDays
                    else { return .custom(KMSError(.invalidState, "rotation no longer due")) }
                    record.latestVersion += 1
                    record.nextRotationAt = now.adding(days: period)
                    return nil
                }
                rotated += 1
                logger.info("key rotated automatically", metadata: ["keyId": "\(record.id)", "version": "\(record.latestVersion)"])
            } catch let error as KMSError where error.code == .invalidState {
                continue
            } catch {
                logger.error("automatic rotation failed", metadata: ["keyId": "\(id)", "error": "\(error)"])
            }
        }
        let expired = await expireImportedMaterial(now: now)
        return (destroyed, rotated, expired)
    }
}

/// Runs `KeyService.runMaintenance` at start and then every `interval` until shutdown.
public struct MaintenanceService: Service {
    let service: KeyService
    let interval: Duration

    public init(service: KeyService, interval: Duration = .seconds(60)) {
        self.service = service
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await service.runMaintenance()
            try? await gracefulShutdownAwareSleep(interval)
        }
    }

    private func gracefulShutdownAwareSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: duration)
        }
    }
}
