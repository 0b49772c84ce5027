// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title IDeviceRegistry
/// @notice On-chain directory of the devices of Parley accounts and their public keys.
/// @dev An account is an Ethereum address (EOA or ERC-1271 contract wallet). Each of its devices has a
/// uint32 id, sequential per account starting at 1 and never reused, an Ed25519 signing key, a key-agreement
/// key and a suite byte. A device is active while its key-agreement key is non-zero: revocation clears the
/// key-agreement key (nobody may encrypt to a revoked device) and keeps the signing key, so signatures made
/// before the revocation stay checkable. Every event that changes an account's devices carries the account's
/// sequence number, which grows by exactly one per such event, so an indexer can detect gaps.
interface IDeviceRegistry {
    /// @notice Public data of one active device, as returned by {activeDevices}.
    /// @param deviceId The device id within its account.
    /// @param signingKey The device's Ed25519 public signing key.
    /// @param keyAgreementKey The device's key-agreement key (X25519 public key, or a commitment for suite 2).
    /// @param suite The key suite of the device.
    struct DeviceInfo {
        uint32 deviceId;
        bytes32 signingKey;
        bytes32 keyAgreementKey;
        uint8 suite;
    }

    /// @notice Emitted when `account` adds device `deviceId`.
    /// @param account The account that owns the device.
    /// @param deviceId The new device's id (equal to the previous `nextDeviceId(account)`).
    /// @param signingKey The device's Ed25519 public signing key.
    /// @param keyAgreementKey The device's key-agreement key.
    /// @param suite The key suite (1 = Ed25519 + X25519, 2 = Ed25519 + X-Wing commitment).
    /// @param seq The account's sequence number after this change.
    /// @param deviceSig The device's 64-byte Ed25519 self-signature (r || s); not verified on chain, checked by
    /// indexers and clients.
    event DeviceAdded(
        address indexed account,
        uint32 indexed deviceId,
        bytes32 signingKey,
        bytes32 keyAgreementKey,
        uint8 suite,
        uint64 seq,
        bytes deviceSig
    );

    /// @notice Emitted when `account` revokes device `deviceId`; the device can never become active again.
    /// @param account The account that owned the device.
    /// @param deviceId The revoked device's id.
    /// @param seq The account's sequence number after this change.
    event DeviceRevoked(address indexed account, uint32 indexed deviceId, uint64 seq);

    /// @notice Emitted when the key-agreement key of an active device is replaced.
    /// @param account The account that owns the device.
    /// @param deviceId The device's id.
    /// @param keyAgreementKey The new key-agreement key.
    /// @param seq The account's sequence number after this change.
    /// @param deviceSig The device's 64-byte Ed25519 signature over the new key; not verified on chain.
    event KeyAgreementKeyRotated(
        address indexed account, uint32 indexed deviceId, bytes32 keyAgreementKey, uint64 seq, bytes deviceSig
    );

    /// @notice Emitted when `account` cancels its signature nonce `nonce` with {useNonce}.
    /// @dev Nonces consumed by relayed calls do not emit this event: their own events mark them.
    /// @param account The account whose nonce was used.
    /// @param nonce The nonce that can no longer be used.
    event NonceUsed(address indexed account, uint256 nonce);

    /// @notice The caller passed a device id other than the account's next id.
    /// @param expected The account's next device id.
    /// @param given The id that was passed.
    error UnexpectedDeviceId(uint32 expected, uint32 given);

    /// @notice A signing key or key-agreement key is zero.
    error ZeroKey();

    /// @notice The suite byte is not a known suite.
    /// @param suite The rejected suite.
    error UnsupportedSuite(uint8 suite);

    /// @notice A device signature is not 64 bytes long.
    /// @param length The length that was passed.
    error InvalidDeviceSignatureLength(uint256 length);

    /// @notice The account already has the maximum number of active devices.
    /// @param max The cap on active devices per account.
    error TooManyActiveDevices(uint32 max);

    /// @notice The device does not exist or has been revoked.
    /// @param account The account.
    /// @param deviceId The device id.
    error DeviceNotActive(address account, uint32 deviceId);

    /// @notice The deadline of a relayed call has passed.
    /// @param deadline The signed deadline (unix seconds).
    error SignatureExpired(uint256 deadline);

    /// @notice The account's signature does not match the typed data (wrong signer, nonce, chain, contract or
    /// fields, malleable ECDSA signature, or an ERC-1271 wallet that rejected it).
    /// @param account The account that was expected to sign.
    error InvalidSignature(address account);

    /// @notice Adds a device to the caller's account.
    /// @dev The device can sign over its id before the transaction is mined because ids are predictable.
    /// Reverts with {UnexpectedDeviceId}, {ZeroKey}, {UnsupportedSuite}, {InvalidDeviceSignatureLength} or
    /// {TooManyActiveDevices}. Emits {DeviceAdded}.
    /// @param deviceId Must equal `nextDeviceId(msg.sender)`.
    /// @param signingKey The device's Ed25519 public key (non-zero).
    /// @param keyAgreementKey The device's key-agreement key (non-zero).
    /// @param suite 1 (Ed25519 + X25519) or 2 (Ed25519 + X-Wing, key-agreement key is a hash commitment).
    /// @param deviceSig The device's 64-byte self-signature, carried in the event.
    function addDevice(
        uint32 deviceId,
        bytes32 signingKey,
        bytes32 keyAgreementKey,
        uint8 suite,
        bytes calldata deviceSig
    ) external;

    /// @notice Adds a device to `account`, authorized by the account's EIP-712 signature; anyone may submit it.
    /// @dev Typed data: `AddDevice(address account,uint32 deviceId,bytes32 signingKey,bytes32 keyAgreementKey,
    /// uint8 suite,bytes32 deviceSigHash,uint256 nonce,uint256 deadline)` with `deviceSigHash =
    /// keccak256(deviceSig)`, so a relayer cannot swap the device signature and burn the id. The domain is
    /// {DOMAIN_SEPARATOR} (name "Parley DeviceRegistry", version "1", chain id, this contract). EOAs sign with
    /// ECDSA (high-s signatures are rejected); contract wallets are asked through ERC-1271. Consumes
    /// `nonces(account)`. Reverts like {addDevice}, and with {SignatureExpired} or {InvalidSignature}.
    /// @param account The account that receives the device.
    /// @param deviceId Must equal `nextDeviceId(account)`.
    /// @param signingKey The device's Ed25519 public key (non-zero).
    /// @param keyAgreementKey The device's key-agreement key (non-zero).
    /// @param suite The key suite.
    /// @param deviceSig The device's 64-byte self-signature.
    /// @param deadline Last valid block timestamp (inclusive).
    /// @param accountSig The account's signature over the typed data.
    function addDeviceFor(
        address account,
        uint32 deviceId,
        bytes32 signingKey,
        bytes32 keyAgreementKey,
        uint8 suite,
        bytes calldata deviceSig,
        uint256 deadline,
        bytes calldata accountSig
    ) external;

    /// @notice Revokes one of the caller's active devices, which frees a slot under the cap.
    /// @dev Clears the key-agreement key and keeps the signing key. Reverts with {DeviceNotActive}.
    /// Emits {DeviceRevoked}.
    /// @param deviceId The device to revoke.
    function revokeDevice(uint32 deviceId) external;

    /// @notice Revokes a device of `account`, authorized by the account's EIP-712 signature.
    /// @dev Typed data: `RevokeDevice(address account,uint32 deviceId,uint256 nonce,uint256 deadline)`.
    /// Consumes `nonces(account)`. Reverts with {DeviceNotActive}, {SignatureExpired} or {InvalidSignature}.
    /// @param account The account that owns the device.
    /// @param deviceId The device to revoke.
    /// @param deadline Last valid block timestamp (inclusive).
    /// @param accountSig The account's signature over the typed data.
    function revokeDeviceFor(address account, uint32 deviceId, uint256 deadline, bytes calldata accountSig)
        external;

    /// @notice Replaces the key-agreement key of one of the caller's active devices.
    /// @dev Reverts with {DeviceNotActive}, {ZeroKey} or {InvalidDeviceSignatureLength}.
    /// Emits {KeyAgreementKeyRotated}.
    /// @param deviceId The device.
    /// @param keyAgreementKey The new key-agreement key (non-zero).
    /// @param deviceSig The device's 64-byte signature over the new key, carried in the event.
    function rotateKeyAgreementKey(uint32 deviceId, bytes32 keyAgreementKey, bytes calldata deviceSig)
        external;

    /// @notice Replaces the key-agreement key of a device of `account`, authorized by its EIP-712 signature.
    /// @dev Typed data: `RotateKeyAgreementKey(address account,uint32 deviceId,bytes32 keyAgreementKey,
    /// bytes32 deviceSigHash,uint256 nonce,uint256 deadline)`. Consumes `nonces(account)`. Reverts like
    /// {rotateKeyAgreementKey}, and with {SignatureExpired} or {InvalidSignature}.
    /// @param account The account that owns the device.
    /// @param deviceId The device.
    /// @param keyAgreementKey The new key-agreement key (non-zero).
    /// @param deviceSig The device's 64-byte signature over the new key.
    /// @param deadline Last valid block timestamp (inclusive).
    /// @param accountSig The account's signature over the typed data.
    function rotateKeyAgreementKeyFor(
        address account,
        uint32 deviceId,
        bytes32 keyAgreementKey,
        bytes calldata deviceSig,
        uint256 deadline,
        bytes calldata accountSig
    ) external;

    /// @notice Consumes the caller's current nonce, which cancels any outstanding signature made with it.
    /// @dev Emits {NonceUsed}.
    /// @return nonce The nonce that was cancelled.
    function useNonce() external returns (uint256 nonce);

    /// @notice Returns a device of `account`, active or revoked.
    /// @dev A device that was never added returns zero keys, suite 0 and `active == false`. A revoked device
    /// returns its signing key, a zero key-agreement key, its suite and `active == false`.
    /// @param account The account.
    /// @param deviceId The device id.
    /// @return signingKey The Ed25519 public signing key.
    /// @return keyAgreementKey The key-agreement key (zero once revoked).
    /// @return suite The key suite (0 when the device does not exist).
    /// @return active Whether the device is active.
    function device(address account, uint32 deviceId)
        external
        view
        returns (bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bool active);

    /// @notice Pages through the active devices of `account` in id order.
    /// @dev Examines ids from `max(cursor, 1)` on and stops after `limit` active devices or
    /// {MAX_PAGE_SCAN} examined ids. Start with cursor 0; continue with the returned cursor until it is 0.
    /// @param account The account.
    /// @param cursor The first device id to examine (0 or 1 to start).
    /// @param limit The maximum number of devices to return.
    /// @return devices The active devices found, in id order.
    /// @return nextCursor The id to continue from, or 0 when every id has been examined.
    function activeDevices(address account, uint32 cursor, uint32 limit)
        external
        view
        returns (DeviceInfo[] memory devices, uint32 nextCursor);

    /// @notice Returns the id the next device of `account` must use.
    /// @param account The account.
    /// @return The number of devices ever added to the account, plus one.
    function nextDeviceId(address account) external view returns (uint32);

    /// @notice Returns the number of active devices of `account`.
    /// @param account The account.
    /// @return The number of active devices.
    function activeDeviceCount(address account) external view returns (uint32);

    /// @notice Returns the nonce the next signature of `account` must use.
    /// @param account The account.
    /// @return The current nonce.
    function nonces(address account) external view returns (uint256);

    /// @notice Returns the sequence number of the last device event of `account` (0 before any).
    /// @param account The account.
    /// @return The sequence number.
    function sequence(address account) external view returns (uint64);

    /// @notice Returns the EIP-712 domain separator of this registry on the current chain.
    /// @return The domain separator.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    /// @notice Returns the maximum number of active devices per account.
    /// @return The cap.
    // solhint-disable-next-line func-name-mixedcase
    function MAX_ACTIVE_DEVICES() external view returns (uint32);

    /// @notice Returns the maximum number of ids {activeDevices} examines in one call.
    /// @return The scan bound.
    // solhint-disable-next-line func-name-mixedcase
    function MAX_PAGE_SCAN() external view returns (uint32);
}
