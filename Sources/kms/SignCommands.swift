import ArgumentParser
import Client
import Foundation
import KeyCrypto
import KeyService

/// `kms sign --key KEY FILE`: a detached signature of a file, made by the service.
///
/// Files of at most 4096 bytes are sent whole (MessageType RAW); larger ones are
/// hashed here and their digest is signed (DIGEST), which gives the same
/// signature. The signature file holds the raw signature bytes (DER for ECDSA),
/// as `openssl dgst -sha256 -verify pub.pem -signature FILE.sig FILE` expects.
struct SignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a file with a SIGN_VERIFY key; writes a detached signature (FILE.sig).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Key id, ARN or alias of a SIGN_VERIFY key.") var key: String
    @Option(help: "Signing algorithm (default: the key's first, e.g. ECDSA_SHA_256 or RSASSA_PSS_SHA_256).") var algorithm: String?
    @Option(name: [.short, .customLong("output")], help: "Where to write the signature (default FILE.sig).") var output: String?
    @Argument(help: "The file to sign.") var file: String

    func run() async throws {
        try await runClient {
            let client = try connection.makeClient()
            let chosen = try await resolveAlgorithm(algorithm, key: key, client: client)
            let (message, kind) = try SigningInput.load(file, algorithm: chosen)
            let result = try await client.sign(keyId: key, message: message, kind: kind, algorithm: chosen.rawValue)
            let path = output ?? file + ".sig"
            guard FileManager.default.createFile(atPath: path, contents: Data(result.signature)) else {
                Terminal.printError("kms: cannot write \(path)")
                throw ExitCode(ExitCodes.cannotCreate)
            }
            Terminal.printError("signed \(file) with \(result.keyId) (\(result.signingAlgorithm)) -> \(path)")
        }
    }
}

/// `kms verify`: checks a detached signature online (`--key`, through the
/// service) or offline (`--public-key PEM --algorithm ALG`, no service needed),
/// so a deploy step can check an artifact came from the pipeline. Exit 0 and
/// "Verified OK" when valid; exit 65 and "Verification failure" otherwise.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a detached signature, online with --key or offline with --public-key.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Key id, ARN or alias (verify through the service).") var key: String?
    @Option(help: "A PEM public key file (verify offline; needs --algorithm).") var publicKey: String?
    @Option(help: "Signing algorithm (online default: the key's first).") var algorithm: String?
    @Argument(help: "The signed file.") var file: String
    @Argument(help: "The signature file.") var signature: String

    func validate() throws {
        guard (key == nil) != (publicKey == nil) else { throw ValidationError("give exactly one of --key and --public-key") }
        if publicKey != nil && algorithm == nil { throw ValidationError("--public-key needs --algorithm") }
    }

    func run() async throws {
        let signatureBytes = try readInput(signature)
        let valid: Bool
        if let publicKey {
            valid = try verifyOffline(pemPath: publicKey, signature: signatureBytes)
        } else {
            var result = false
            try await runClient {
                let client = try connection.makeClient()
                let chosen = try await resolveAlgorithm(algorithm, key: key!, client: client)
                let (message, kind) = try SigningInput.load(file, algorithm: chosen)
                result = try await client.verify(keyId: key!, message: message, kind: kind, signature: signatureBytes, algorithm: chosen.rawValue)
            }
            valid = result
        }
        guard valid else {
            Terminal.printError("Verification failure")
            throw ExitCode(ExitCodes.integrity)
        }
        Terminal.printLine("Verified OK")
    }

    private func verifyOffline(pemPath: String, signature: [UInt8]) throws -> Bool {
        guard let chosen = SigningAlgorithm(rawValue: algorithm!) else {
            throw ValidationError("unknown --algorithm \(algorithm!); one of \(SigningAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let pem = String(decoding: try readInput(pemPath), as: UTF8.self)
        let key: AsymmetricPublicKey
        do { key = try AsymmetricPublicKey(pem: pem) } catch { throw ValidationError("\(pemPath) is not a PEM public key") }
        if chosen.acceptsDigest {
            return try key.isValidSignature(signature, digest: try SigningInput.hash(file, chosen.digest), algorithm: chosen.digest, padding: chosen.padding)
        }
        return try key.isValidSignature(signature, message: try readInput(file), digest: nil, padding: chosen.padding)
    }
}

/// The algorithm named, or the key's first signing algorithm.
private func resolveAlgorithm(_ name: String?, key: String, client: KeyServiceClient) async throws -> SigningAlgorithm {
    let chosen: String
    if let name {
        chosen = name
    } else {
        guard let first = try await client.getPublicKey(keyId: key).signingAlgorithms.first else {
            throw ValidationError("\(key) is not a SIGN_VERIFY key")
        }
        chosen = first
    }
    guard let algorithm = SigningAlgorithm(rawValue: chosen) else {
        throw ValidationError("unknown signing algorithm \(chosen); one of \(SigningAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return algorithm
}

/// What Sign and Verify send for a file: the file itself up to 4096 bytes, else its digest.
enum SigningInput {
    static let maximumRawSize = 4096

    static func load(_ path: String, algorithm: SigningAlgorithm) throws -> ([UInt8], MessageKind) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue ?? (attributes?[.size] as? Int) else {
            throw ValidationError("cannot read \(path)")
        }
        if size <= maximumRawSize && size > 0 { return (try readInput(path), .raw) }
        guard algorithm.acceptsDigest else {
            Terminal.printError("kms: \(algorithm.rawValue) signs messages of 1 to \(maximumRawSize) bytes only; \(path) has \(size)")
            throw ExitCode(ExitCodes.usage)
        }
        return (try hash(path, algorithm.digest), .digest)
    }

    /// The digest of a file, read in 1 MiB pieces.
    static func hash(_ path: String, _ algorithm: DigestAlgorithm) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("cannot read \(path)") }
        defer { try? handle.close() }
        let digest = try StreamingDigest(algorithm)
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try digest.update(Array(chunk))
        }
        return try digest.finalize()
    }
}
