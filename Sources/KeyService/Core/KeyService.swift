import Dispatch
import KeyCrypto
import Logging
import Synchronization

/// The core: key lifecycle and cryptographic operations over a `KeyStore`.
///
/// Reads (every cryptographic operation) are served from memory under a short
/// lock; writes run one at a time on a writer queue, are committed to the store
/// (durably) and only then applied to memory, so a failed write changes nothing.
public final class KeyService: Sendable {
    public let partition: Partition
    let store: any KeyStore
    let keyring: Keyring
    /// The audit log, for the operations that read it.
    public let audit: AuditLog?
    let metrics: ServiceMetrics?
    let clock: @Sendable () -> Timestamp
    let logger: Logger

    let state: Mutex<ServiceState>
    /// Unwrapped key material by "keyId#version", filled on first use.
    private let materials = Mutex<[String: SecureBytes]>([:])
    /// Parsed asymmetric keys by "keyId#version" (their material is PKCS#8 DER), filled on first use.
    private let keyPairs = Mutex<[String: KeyPair]>([:])
    /// Unwrapped access-key secrets by access key id, filled on first use.
    private let secrets = Mutex<[String: SecureBytes]>([:])
    private let writer = DispatchQueue(label: "kms.store-writer")
    /// Access-key uses not yet persisted (flushed by maintenance).
    private let pendingUse = Mutex<[String: Timestamp]>([:])
    /// The last readiness write and its result: probes within a second share it.
    private let lastWriteProbe = Mutex<(at: ContinuousClock.Instant, writable: Bool)?>(nil)

    public init(
        store: any KeyStore,
        rootKey: SecureBytes,
        partition: Partition = Partition(),
        audit: AuditLog? = nil,
        metrics: ServiceMetrics? = nil,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() },
        logger: Logger = Logger(label: "kms")
    ) throws {
        self.store = store
        self.keyring = try Keyring(rootKey: rootKey)
        self.audit = audit
        self.metrics = metrics
        self.partition = partition
        self.clock = clock
        self.logger = logger
        self.state = Mutex(ServiceState(try store.load()))
    }

    public var now: Timestamp { clock() }

    // MARK: Running operations

    /// Authorizes and runs one operation. Every front door calls this.
    public func perform<Op: Operation>(_ operation: Op.Type, _ input: Op.Input, context: CallContext) async throws(KMSError) -> Op.Output {
        do {
            let reference = Op.keyReference(input)
            let encryptionContext = Op.encryptionContext(input)
            context.note.update {
                $0.action = Op.name
                $0.keyReference = reference
                $0.encryptionContext = encryptionContext
            }
            if !Op.selfAuthorizing {
                try authorize(Op.action, keyReference: reference, encryptionContext: encryptionContext, context: context)
            }
            if Op.isDryRun(input) {
                throw KMSError(.dryRunOperation, "The request would have succeeded, but the DryRun option is set.")
            }
            return try await Op.handle(input, service: self, context: context)
        } catch let error as KMSError {
            throw error
        } catch let error as SQLiteError {
            context.logger.error("store failure", metadata: ["action": "\(Op.action.operationName)", "error": "\(error)"])
            throw KMSError.storeUnavailable
        } catch {
            context.logger.error("internal failure", metadata: ["action": "\(Op.action.operationName)", "error": "\(error)"])
            throw KMSError.internalFailure
        }
    }

    /// Deny by default: the caller gets a generic AccessDenied, the log the reason.
    /// A reference that names no key is authorized as a request on no key, so a
    /// caller without broad rights learns nothing about which keys exist.
    @discardableResult
    func authorize(_ action: Action, keyReference: String?, encryptionContext: [String: String]?, context: CallContext) throws(KMSError) -> AuthorizationDecision {
        let reference = keyReference.flatMap { try? KeyReference.parse($0, partition: partition, accept: .keyOrAlias) }
        let (decision, keyId) = state.withLock { state in
            let key = reference.flatMap { state.entry(for: $0)?.record }
            return (Authorizer.decide(
                AuthorizationRequest(
                    action: action, principal: state.principals[context.caller.principalId],
                    key: key, encryptionContext: encryptionContext),
                state: state), key?.id)
        }
        context.note.update { note in
            if note.keyId == nil { note.keyId = keyId }
            if let grant = decision.grantId { note.grantId = grant }
            if !decision.allowed { note.reason = decision.reason }
        }
        guard decision.allowed else {
            context.logger.notice("access denied", metadata: [
                "action": "\(action.rawValue)", "principal": "\(context.caller.principalName)", "reason": "\(decision.reason)",
            ])
            throw KMSError(.accessDenied, "User \(context.caller.principalName) is not authorized to perform \(action.rawValue).")
        }
        return decision
    }

    // MARK: Reading state

    /// The key a reference names, or NotFound.
    func resolve(_ raw: String, accept forms: KeyReference.Forms) throws(KMSError) -> KeyEntry {
        let reference = try KeyReference.parse(raw, partition: partition, accept: forms)
        guard let entry = state.withLock({ $0.entry(for: reference) }) else {
            switch reference {
            case .aliasName(let name): throw KMSError.notFound("Alias \(partition.aliasArn(name)) is not found.")
            case .keyId(let id): throw KMSError.notFound("Key '\(partition.keyArn(id))' does not exist")
            }
        }
        return entry
    }

    func entry(id: String) -> KeyEntry? { state.withLock { $0.keys[id] } }

    func read<T, E: Error>(_ body: (borrowing ServiceState) throws(E) -> T) throws(E) -> T {
        try state.withLock { (state) throws(E) -> T in try body(state) }
    }

    /// The unwrapped material of one version, cached after the first unwrap.
    func material(of entry: KeyEntry, version: Int) throws -> SecureBytes {
        let cacheKey = "\(entry.record.id)#\(version)"
        if let cached = materials.withLock({ $0[cacheKey] }) {
            metrics?.cacheHit()
            return cached
        }
        metrics?.cacheMiss()
        guard let record = entry.versions[version] else {
            throw KMSError(.invalidCiphertext, "The ciphertext is invalid, or was not made for this request.")
        }
        let material = try keyring.unwrapMaterial(record.wrappedMaterial, keyId: record.keyId, version: record.version)
        materials.withLock { $0[cacheKey] = material }
        return material
    }

    /// The secret of an active access key of an enabled principal, with its caller identity.
    public func credential(accessKeyId: String) -> (caller: Caller, secret: SecureBytes)? {
        guard let (accessKey, principal) = state.withLock({ s -> (AccessKeyRecord, PrincipalRecord)? in
            guard let key = s.accessKeys[accessKeyId], key.status == .active,
                  let principal = s.principals[key.principalId], principal.enabled else { return nil }
            return (key, principal)
        }) else { return nil }
        let caller = Caller(principalId: principal.id, principalName: principal.name, accessKeyId: accessKey.id)
        if let cached = secrets.withLock({ $0[accessKeyId] }) { return (caller, cached) }
        do {
            let secret = try keyring.unwrapSecret(accessKey.wrappedSecret, accessKeyId: accessKey.id)
            secrets.withLock { $0[accessKeyId] = secret }
            return (caller, secret)
        } catch {
            logger.error("cannot unwrap the secret of an access key", metadata: ["accessKeyId": "\(accessKeyId)"])
            return nil
        }
    }

    /// Who an access key id belongs to and why it cannot sign now, for the audit
    /// record and log line of a request that authentication refused. The reason is
    /// nil when the key may sign (the signature itself was wrong).
    public func refusedCredential(accessKeyId: String) -> (caller: Caller?, reason: String?) {
        state.withLock { s in
            guard let key = s.accessKeys[accessKeyId] else { return (nil, "the access key id is unknown") }
            guard let principal = s.principals[key.principalId] else { return (nil, "the access key id is unknown") }
            let caller = Caller(principalId: principal.id, principalName: principal.name, accessKeyId: key.id)
            if key.status != .active { return (caller, "the access key is inactive") }
            if !principal.enabled { return (caller, "the principal is disabled") }
            return (caller, nil)
        }
    }

    /// Whether the store can take a write now (readiness). The answer is a real
    /// write, so it is reused for a second: the probe is unauthenticated, and must
    /// not let anyone make the store write as fast as they can ask.
    public func storeWritable() -> Bool {
        let now = ContinuousClock.now
        if let last = lastWriteProbe.withLock({ $0 }), now - last.at < .seconds(1) { return last.writable }
        let writable = store.isWritable()
        lastWriteProbe.withLock { $0 = (now, writable) }
        return writable
    }

    /// Forgets the cached secret of an access key that was deactivated or deleted.
    func forgetCredential(accessKeyId: String) {
        _ = secrets.withLock { $0.removeValue(forKey: accessKeyId) }
    }

    /// Notes that an access key signed a request that verified.
    public func recordUse(accessKeyId: String) {
        let now = clock()
        pendingUse.withLock { $0[accessKeyId] = now }
    }

    /// When an access key last signed a verified request.
    func lastUsed(accessKeyId: String) -> Timestamp? {
        let pending = pendingUse.withLock { $0[accessKeyId] }
        let persisted = read { $0.accessKeyLastUsed[accessKeyId] }
        return [pending, persisted].compactMap { $0 }.max()
    }

    /// Persists access-key uses noted since the last flush.
    func flushAccessKeyUse() async {
        let uses = pendingUse.withLock { uses in defer { uses.removeAll() }; return uses }
        guard !uses.isEmpty else { return }
        do {
            try await mutate { state, _ in
                (uses.filter { state.accessKeys[$0.key] != nil }.map { StoreChange.recordAccessKeyUse(id: $0.key, at: $0.value) }, ())
            }
        } catch {
            logger.warning("could not record access key use", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Writing state

    /// Runs `body` on the writer queue with the current state; commits the
    /// changes it returns durably, then applies them to memory. If the commit
    /// fails, memory is untouched and the error propagates.
    func mutate<T: Sendable>(
        _ body: @escaping @Sendable (borrowing ServiceState, Timestamp) throws -> (changes: [StoreChange], result: T)
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writer.async {
                do {
                    let now = self.clock()
                    let (changes, result) = try self.state.withLock { state in try body(state, now) }
                    if !changes.isEmpty {
                        try self.store.commit(changes)
                        self.state.withLock { state in for change in changes { state.apply(change) } }
                        self.forgetMaterial(destroyedBy: changes)
                    }
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Drops cached material of keys destroyed, or whose imported material was deleted.
    private func forgetMaterial(destroyedBy changes: [StoreChange]) {
        let destroyed = changes.compactMap { change -> String? in
            switch change {
            case .destroyKey(let id, _), .deleteVersions(let id): id
            default: nil
            }
        }
        guard !destroyed.isEmpty else { return }
        materials.withLock { cache in
            for key in Array(cache.keys) where destroyed.contains(where: { key.hasPrefix($0 + "#") }) {
                cache[key] = nil
            }
        }
        keyPairs.withLock { cache in
            for key in Array(cache.keys) where destroyed.contains(where: { key.hasPrefix($0 + "#") }) {
                cache[key] = nil
            }
        }
    }

    /// Generates and wraps a new version of a key's material: random bytes for
    /// symmetric and HMAC specs, a fresh private key as PKCS#8 DER for asymmetric ones.
    func newVersion(keyId: String, spec: KeySpec, version: Int, type: RotationType, at now: Timestamp) throws -> KeyVersionRecord {
        let material: SecureBytes
        if let size = spec.materialSize {
            material = try SecureBytes.random(count: size)
        } else if let keyType = spec.asymmetricType {
            material = try AsymmetricPrivateKey.generate(keyType).pkcs8Representation()
        } else {
            throw KMSError.internalFailure
        }
        return try wrapVersion(material, keyId: keyId, version: version, type: type, at: now)
    }

    /// Wraps given material (generated or imported) as one version of a key.
    func wrapVersion(_ material: SecureBytes, keyId: String, version: Int, type: RotationType, at now: Timestamp) throws -> KeyVersionRecord {
        KeyVersionRecord(
            keyId: keyId, version: version, createdAt: now, rotationType: type,
            wrappedMaterial: try keyring.wrapMaterial(material, keyId: keyId, version: version))
    }

    /// The parsed private key (and its public half) of an asymmetric key's newest
    /// version, cached after the first unwrap and parse. The private key never leaves.
    func keyPair(of entry: KeyEntry) throws -> KeyPair {
        let version = entry.record.latestVersion
        let cacheKey = "\(entry.record.id)#\(version)"
        if let cached = keyPairs.withLock({ $0[cacheKey] }) { return cached }
        guard entry.versions[version] != nil else {
            throw KMSError(.invalidState, "\(partition.keyArn(entry.record.id)) is pending import.")
        }
        let privateKey = try AsymmetricPrivateKey(der: try material(of: entry, version: version))
        let publicDER = try privateKey.publicKeyDER()
        let pair = KeyPair(privateKey: privateKey, publicKey: try AsymmetricPublicKey(spki: publicDER), publicKeyDER: publicDER)
        keyPairs.withLock { $0[cacheKey] = pair }
        return pair
    }
}

/// An asymmetric KMS key's parsed halves.
struct KeyPair: Sendable {
    let privateKey: AsymmetricPrivateKey
    let publicKey: AsymmetricPublicKey
    /// DER SubjectPublicKeyInfo, as GetPublicKey returns it.
    let publicKeyDER: [UInt8]
}
