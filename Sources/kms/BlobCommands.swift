import ArgumentParser
import Client
import Foundation
import KeyCrypto

/// `kms encrypt-blob`: encrypts up to 4096 bytes through the service.
struct EncryptBlobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt-blob", abstract: "Encrypt small data (≤ 4096 bytes) with a key; prints the blob in base64.")
    @OptionGroup var options: ClientOptions
    @Option(help: "Key id, ARN or alias.") var key: String
    @Option(help: "Encryption context k=v[,k=v…] (repeatable).") var context: [String] = []
    @Option(name: .customLong("in"), help: "File to encrypt, or - for standard input.") var input: String = "-"
    func run() async throws {
        let pairs = try parsePairs(context, option: "--context")
        var data = try readInput(input)
        let plaintext = SecureBytes(copying: data)
        secureZero(&data)
        try await runClient {
            let result = try await options.makeClient().encrypt(keyId: key, plaintext: plaintext, context: pairs)
            let blob = Base64.encode(result.ciphertextBlob)
            // The blob alone, so `kms encrypt-blob … > blob.b64` feeds `kms decrypt-blob --in blob.b64`; JSON adds the key.
            if options.output == .json {
                emit(.json, json: ["ciphertextBlob": blob, "keyId": result.keyId], headers: [], rows: [])
            } else {
                Terminal.printLine(blob)
            }
        }
    }
}

/// `kms decrypt-blob`: decrypts a blob from `encrypt-blob` or `datakey`; writes the plaintext to stdout.
struct DecryptBlobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt-blob", abstract: "Decrypt a base64 ciphertext blob; writes the plaintext to standard output.")
    @OptionGroup var options: ClientOptions
    @Option(help: "Encryption context k=v[,k=v…] used at encryption.") var context: [String] = []
    @Option(help: "Expect this key (id, ARN or alias) to have made the blob.") var key: String?
    @Option(name: .customLong("in"), help: "File holding the base64 blob, or - for standard input.") var input: String = "-"
    func run() async throws {
        let pairs = try parsePairs(context, option: "--context")
        let text = String(decoding: try readInput(input), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let blob = Base64.decode(text) else {
            // Bad data, like a blob that does not open: 65, not a usage error.
            Terminal.printError("kms decrypt-blob: the input is not a base64 ciphertext blob")
            throw ExitCode(ExitCodes.integrity)
        }
        try await runClient {
            let result = try await options.makeClient().decrypt(ciphertextBlob: blob, context: pairs, keyId: key)
            if options.output == .json {
                emit(.json, json: ["plaintext": Base64.encode(result.plaintext), "keyId": result.keyId], headers: [], rows: [])
            } else {
                result.plaintext.withUnsafeBytes { Terminal.writeStdout($0) }
            }
        }
    }
}

/// `kms datakey`: a data key for envelope encryption.
struct DataKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datakey", abstract: "Generate a data key: plaintext and sealed copy, in base64.")
    @OptionGroup var options: ClientOptions
    @Option(help: "Key id, ARN or alias.") var key: String
    @Option(help: "AES_256 (default) or AES_128.") var spec: String?
    @Option(help: "Instead of --spec: this many bytes (1–1024).") var bytes: Int?
    @Option(help: "Encryption context k=v[,k=v…].") var context: [String] = []
    @Flag(help: "Return only the sealed copy.") var withoutPlaintext = false
    func validate() throws {
        if spec != nil && bytes != nil { throw ValidationError("--spec and --bytes exclude each other") }
        if let spec, !["AES_256", "AES_128"].contains(spec) { throw ValidationError("--spec is AES_256 or AES_128") }
    }
    func run() async throws {
        let pairs = try parsePairs(context, option: "--context")
        let size: DataKeySize = bytes.map { .bytes($0) } ?? (spec == "AES_128" ? .aes128 : .aes256)
        try await runClient {
            let key = try await options.makeClient().generateDataKey(keyId: key, size: size, context: pairs, withPlaintext: !withoutPlaintext)
            var json: [String: Any] = ["ciphertextBlob": Base64.encode(key.ciphertextBlob), "keyId": key.keyId]
            var rows = [["CiphertextBlob", Base64.encode(key.ciphertextBlob)], ["KeyId", key.keyId]]
            if let plaintext = key.plaintext {
                json["plaintext"] = Base64.encode(plaintext)
                rows.insert(["Plaintext", Base64.encode(plaintext)], at: 0)
            }
            emitPairs(options.output, json: json, rows: rows)
        }
    }
}

/// `kms random N`: random bytes from the service, base64.
struct RandomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "random", abstract: "Random bytes (1–1024) from the service, in base64.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "Number of bytes.") var count: Int
    func run() async throws {
        try await runClient {
            let bytes = try await options.makeClient().generateRandom(numberOfBytes: count)
            emitPairs(options.output, json: ["plaintext": Base64.encode(bytes)], rows: [["Random", Base64.encode(bytes)]])
        }
    }
}
