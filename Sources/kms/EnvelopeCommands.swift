import ArgumentParser
import Client
import Foundation
import KeyCrypto

/// `kms encrypt`: files, directories or standard input into AWS Encryption SDK messages.
struct EncryptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt files in the AWS Encryption SDK message format with data keys from the service.",
        discussion: """
            Each file gets its own data key, from GenerateDataKey on the first --key and wrapped by Encrypt \
            under every further --key. Example: kms encrypt --key alias/artifacts --context project=web dist/web.tar.gz \
            writes dist/web.tar.gz.kms.
            """)
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var files: FileOptions
    @OptionGroup var rawKey: RawKeyOptions
    @Option(name: .customLong("key"), help: """
        Key id, ARN or alias to wrap the data key with (repeatable, at most 64 different ones; the first generates it).
        """)
    var keys: [String] = []
    @Option(help: """
        Encryption context k=v[,k=v…] (repeatable; each key once). Write \\, for a comma, \\= for = in a key, \\\\ for a \
        backslash: --context 'files=a\\,b'.
        """)
    var context: [String] = []
    @Option(help: "Algorithm suite: AES_256_GCM_HKDF_SHA512_COMMIT_KEY (0478, default) or AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384 (0578).")
    var algorithm: String?
    @Flag(help: "Sign messages (suite 0578, ECDSA P-384).") var signed = false
    @Option(help: "Plaintext bytes per frame (default 65536).") var frameSize: Int = EnvelopeOptions.defaultFrameLength
    @Option(help: "Reuse a data key for up to N files (data-key caching; default: a new data key per file).")
    var cacheMaxMessages: Int?
    @Option(help: "With --cache-max-messages: reuse a data key for at most this many seconds (default 300).")
    var cacheMaxAge: Int = 300
    @Option(help: "With --cache-max-messages: reuse a data key for at most this many plaintext bytes.")
    var cacheMaxBytes: UInt64?
    @Argument(help: "Files, directories (with --recursive) or - for standard input.") var inputs: [String] = []

    func validate() throws {
        if keys.isEmpty && !rawKey.isSet { throw ValidationError("give at least one --key") }
        let limit = EnvelopeLimits().maxEncryptedDataKeys
        if Set(keys).count > limit {
            throw ValidationError("""
                at most \(limit) different --key values: a message with more encrypted data keys is refused by \
                kms decrypt and kms inspect (unless given --max-encrypted-data-keys)
                """)
        }
        if !keys.isEmpty && rawKey.isSet { throw ValidationError("--key and --wrapping-key-file exclude each other") }
        if algorithm != nil && signed { throw ValidationError("--algorithm and --signed exclude each other") }
        if let algorithm, AlgorithmSuite.writable(named: algorithm) == nil {
            throw ValidationError("unknown --algorithm '\(algorithm)'; use 0478 or 0578 (or their ESDK names)")
        }
        guard (1...(64 << 20)).contains(frameSize) else { throw ValidationError("--frame-size must be 1 to 67108864 bytes") }
        if let cacheMaxMessages, cacheMaxMessages < 1 { throw ValidationError("--cache-max-messages must be at least 1") }
        if cacheMaxAge < 1 { throw ValidationError("--cache-max-age must be at least 1 second") }
    }

    func run() async throws {
        let pairs = try parsePairs(context, option: "--context")
        let suite = signed ? AlgorithmSuite.committingSigned : (algorithm.flatMap(AlgorithmSuite.writable(named:)) ?? .committing)
        let jobs = try files.jobs(.encrypt, for: inputs)
        let cache = cacheMaxMessages.map {
            DataKeyCache(limits: .init(maxMessages: $0, maxBytes: cacheMaxBytes, maxAge: .seconds(cacheMaxAge)))
        }
        let client = EnvelopeClient(keyring: try rawKey.keyring() ?? KMSKeyring(provider: try connection.makeClient(), keyIds: keys),
                                    cache: cache, options: EnvelopeOptions(frameLength: frameSize))
        try await FileRunner.run(jobs, force: files.force) { job, input, output, progress in
            _ = try await client.encrypt(input: input, output: output, suite: suite, context: pairs,
                                         plaintextLength: fileSize(job.input), progress: progress)
        }
    }
}

/// `kms decrypt`: messages back into files, only after they verify.
struct DecryptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt AWS Encryption SDK messages; output appears only once the whole message verifies.",
        discussion: "Example: kms decrypt --expect-context project=web dist/web.tar.gz.kms writes dist/web.tar.gz.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var files: FileOptions
    @OptionGroup var rawKey: RawKeyOptions
    @Option(name: .customLong("key"), help: """
        Only try data keys wrapped by this key ARN (repeatable). A key ARN, not an alias or key id: the message names \
        its wrapping keys by ARN (kms inspect shows them).
        """)
    var keys: [String] = []
    @Option(help: "Pairs k=v[,k=v…] the message's encryption context must contain (escapes as in encrypt --context).")
    var expectContext: [String] = []
    @OptionGroup var limits: ReaderLimitOptions
    @Flag(help: """
        With standard output: release each frame as soon as it verifies instead of holding the whole output \
        until the message verifies (a truncated or tampered message then leaves a verified prefix behind).
        """)
    var stream = false
    @Option(help: "Reuse decrypted data keys across files for this many seconds (fewer Decrypt calls for files that share one).")
    var cacheMaxAge: Int?
    @Argument(help: "Files, directories (with --recursive) or - for standard input.") var inputs: [String] = []

    func validate() throws {
        do { try KMSKeyring.checkAllowedKeyArns(keys) } catch { throw ValidationError("--key: \(error)") }
    }

    func run() async throws {
        let expected = try parsePairs(expectContext, option: "--expect-context")
        let jobs = try files.jobs(.decrypt, for: inputs)
        let keyring: any EnvelopeKeyring = try rawKey.keyring()
            ?? KMSKeyring(provider: try connection.makeClient(), allowedKeyArns: keys)
        let client = EnvelopeClient(keyring: keyring, cache: cacheMaxAge.map { DataKeyCache(limits: .init(maxAge: .seconds(max(1, $0)))) },
                                    options: EnvelopeOptions(limits: limits.envelopeLimits))
        try await FileRunner.run(jobs, force: files.force, spoolStandardOutput: !stream) { _, input, output, progress in
            _ = try await client.decrypt(input: input, output: output, expectedContext: expected, progress: progress)
        }
    }
}

/// Where results go, shared by encrypt, decrypt and rewrap.
struct FileOptions: ParsableArguments {
    @Option(name: [.short, .long], help: """
        Output file (its directory must exist); for several inputs or --recursive an existing directory or one \
        ending in / (made, with the mirrored tree); or - for standard output.
        """)
    var output: String?
    @Option(help: "Suffix of encrypted files: added on encrypt, stripped on decrypt.") var suffix: String = ".kms"
    @Flag(help: "Overwrite existing output files.") var force = false
    @Flag(name: [.short, .long], help: """
        Process directories recursively, mirroring the tree under --output. Takes regular files only: symbolic links \
        are not followed (one could point out of the tree; each is named in a warning) and empty directories are not \
        recreated.
        """)
    var recursive = false

    /// The jobs for `inputs`; warns once per symbolic link a recursive walk skipped.
    func jobs(_ direction: FileTargets.Direction, for inputs: [String]) throws -> [FileJob] {
        let plan: FileTargets.Plan
        do {
            plan = try FileTargets(direction: direction, suffix: suffix, output: output, recursive: recursive).plan(for: inputs)
        } catch {
            throw ValidationError(error.description)
        }
        for link in plan.skippedLinks { Terminal.printError("kms: skipped symbolic link \(link) (not followed in -r)") }
        return plan.jobs
    }
}

/// What a reader accepts from an untrusted message (decrypt, inspect).
struct ReaderLimitOptions: ParsableArguments {
    @Option(help: """
        Refuse messages with more encrypted data keys than this (default 64; kms encrypt writes at most 64), \
        as aws-encryption-cli's option of the same name.
        """)
    var maxEncryptedDataKeys: Int = EnvelopeLimits().maxEncryptedDataKeys

    func validate() throws {
        guard (1...0xffff).contains(maxEncryptedDataKeys) else {
            throw ValidationError("--max-encrypted-data-keys must be 1 to 65535")
        }
    }

    var envelopeLimits: EnvelopeLimits { EnvelopeLimits(maxEncryptedDataKeys: maxEncryptedDataKeys) }
}

/// A local raw AES wrapping key instead of the service (offline use and interop tests).
struct RawKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("File holding a raw AES-256 wrapping key (32 bytes, or base64 of them).", visibility: .hidden))
    var wrappingKeyFile: String?
    @Option(help: ArgumentHelp("Key namespace (provider id) of the raw key.", visibility: .hidden)) var wrappingKeyNamespace = "kms-raw"
    @Option(help: ArgumentHelp("Key name of the raw key.", visibility: .hidden)) var wrappingKeyName = "raw-aes-256"

    var isSet: Bool { wrappingKeyFile != nil }

    func keyring() throws -> RawAESKeyring? {
        guard let path = wrappingKeyFile else { return nil }
        guard var data = FileManager.default.contents(atPath: path).map(Array.init) else { throw ValidationError("cannot read \(path)") }
        defer { secureZero(&data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = data.count == 32 ? SecureBytes(copying: data) : Base64.decodeSecret(text), key.count == 32 else {
            throw ValidationError("\(path) must hold 32 key bytes or their base64")
        }
        return try RawAESKeyring(namespace: wrappingKeyNamespace, name: wrappingKeyName, wrappingKey: key)
    }
}
