// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IDeviceRegistry} from "./interfaces/IDeviceRegistry.sol";

/// @title DeviceRegistry
/// @notice Parley's on-chain directory of account devices and their public keys.
/// @dev Storage per account is one packed slot; per device two slots (signing key, key-agreement key) plus a
/// suite slot only for non-default suites. A device is active exactly when its key-agreement key is non-zero.
contract DeviceRegistry is IDeviceRegistry, EIP712 {
    /// @notice Suite 1: Ed25519 signing key and X25519 key-agreement key (the default, not stored).
    uint8 public constant SUITE_ED25519_X25519 = 1;
    /// @notice Suite 2: Ed25519 signing key and an X-Wing key whose hash is the key-agreement key.
    uint8 public constant SUITE_ED25519_XWING = 2;
    /// @inheritdoc IDeviceRegistry
    uint32 public constant MAX_ACTIVE_DEVICES = 64;
    /// @inheritdoc IDeviceRegistry
    uint32 public constant MAX_PAGE_SCAN = 1024;
    /// @notice Length of an Ed25519 signature (r || s).
    uint256 public constant DEVICE_SIG_LENGTH = 64;

    /// @notice EIP-712 type hash of {addDeviceFor}.
    bytes32 public constant ADD_DEVICE_TYPEHASH = keccak256(
        "AddDevice(address account,uint32 deviceId,bytes32 signingKey,bytes32 keyAgreementKey,uint8 suite,"
        "bytes32 deviceSigHash,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type hash of {revokeDeviceFor}.
    bytes32 public constant REVOKE_DEVICE_TYPEHASH =
        keccak256("RevokeDevice(address account,uint32 deviceId,uint256 nonce,uint256 deadline)");
    /// @notice EIP-712 type hash of {rotateKeyAgreementKeyFor}.
    bytes32 public constant ROTATE_KEY_AGREEMENT_KEY_TYPEHASH = keccak256(
        "RotateKeyAgreementKey(address account,uint32 deviceId,bytes32 keyAgreementKey,bytes32 deviceSigHash,"
        "uint256 nonce,uint256 deadline)"
    );

    /// @dev The per-account counters, packed into one slot.
    struct Account {
        uint32 devicesEverAdded;
        uint32 activeCount;
        uint64 sequence;
        uint64 nonce;
    }

    /// @dev The keys of one device; the key-agreement key is zero once the device is revoked.
    struct Keys {
        bytes32 signingKey;
        bytes32 keyAgreementKey;
    }

    mapping(address account => Account) private _accounts;
    mapping(address account => mapping(uint32 deviceId => Keys)) private _devices;
    mapping(address account => mapping(uint32 deviceId => uint8 suite)) private _suites;

    /// @notice Deploys the registry with the EIP-712 domain "Parley DeviceRegistry", version "1".
    constructor() EIP712("Parley DeviceRegistry", "1") {}

    /// @inheritdoc IDeviceRegistry
    function addDevice(
        uint32 deviceId,
        bytes32 signingKey,
        bytes32 keyAgreementKey,
        uint8 suite,
        bytes calldata deviceSig
    ) external {
        _addDevice(msg.sender, _accounts[msg.sender], deviceId, signingKey, keyAgreementKey, suite, deviceSig);
    }

    /// @inheritdoc IDeviceRegistry
    function addDeviceFor(
        address account,
        uint32 deviceId,
        bytes32 signingKey,
        bytes32 keyAgreementKey,
        uint8 suite,
        bytes calldata deviceSig,
        uint256 deadline,
        bytes calldata accountSig
    ) external {
        Account memory a = _accounts[account];
        bytes32 structHash = keccak256(
            abi.encode(
                ADD_DEVICE_TYPEHASH,
                account,
                deviceId,
                signingKey,
                keyAgreementKey,
                suite,
                keccak256(deviceSig),
                a.nonce,
                deadline
            )
        );
        _useSignature(account, a, structHash, deadline, accountSig);
        _addDevice(account, a, deviceId, signingKey, keyAgreementKey, suite, deviceSig);
    }

    /// @inheritdoc IDeviceRegistry
    function revokeDevice(uint32 deviceId) external {
        _revokeDevice(msg.sender, _accounts[msg.sender], deviceId);
    }

    /// @inheritdoc IDeviceRegistry
    function revokeDeviceFor(address account, uint32 deviceId, uint256 deadline, bytes calldata accountSig)
        external
    {
        Account memory a = _accounts[account];
        bytes32 structHash =
            keccak256(abi.encode(REVOKE_DEVICE_TYPEHASH, account, deviceId, a.nonce, deadline));
        _useSignature(account, a, structHash, deadline, accountSig);
        _revokeDevice(account, a, deviceId);
    }

    /// @inheritdoc IDeviceRegistry
    function rotateKeyAgreementKey(uint32 deviceId, bytes32 keyAgreementKey, bytes calldata deviceSig)
        external
    {
        _rotateKeyAgreementKey(msg.sender, _accounts[msg.sender], deviceId, keyAgreementKey, deviceSig);
    }

    /// @inheritdoc IDeviceRegistry
    function rotateKeyAgreementKeyFor(
        address account,
        uint32 deviceId,
        bytes32 keyAgreementKey,
        bytes calldata deviceSig,
        uint256 deadline,
        bytes calldata accountSig
    ) external {
        Account memory a = _accounts[account];
        bytes32 structHash = keccak256(
            abi.encode(
                ROTATE_KEY_AGREEMENT_KEY_TYPEHASH,
                account,
                deviceId,
                keyAgreementKey,
                keccak256(deviceSig),
                a.nonce,
                deadline
            )
        );
        _useSignature(account, a, structHash, deadline, accountSig);
        _rotateKeyAgreementKey(account, a, deviceId, keyAgreementKey, deviceSig);
    }

    /// @inheritdoc IDeviceRegistry
    function useNonce() external returns (uint256 nonce) {
        Account storage a = _accounts[msg.sender];
        nonce = a.nonce;
        // A uint64 nonce cannot overflow: each increment costs a transaction.
        unchecked {
            ++a.nonce;
        }
        emit NonceUsed(msg.sender, nonce);
    }

    /// @inheritdoc IDeviceRegistry
    function device(address account, uint32 deviceId)
        external
        view
        returns (bytes32 signingKey, bytes32 keyAgreementKey, uint8 suite, bool active)
    {
        Keys storage k = _devices[account][deviceId];
        signingKey = k.signingKey;
        keyAgreementKey = k.keyAgreementKey;
        if (signingKey != 0) suite = _suiteOf(account, deviceId);
        active = keyAgreementKey != 0;
    }

    /// @inheritdoc IDeviceRegistry
    function activeDevices(address account, uint32 cursor, uint32 limit)
        external
        view
        returns (DeviceInfo[] memory devices, uint32 nextCursor)
    {
        uint32 last = _accounts[account].devicesEverAdded;
        uint32 id = cursor == 0 ? 1 : cursor;
        uint32 cap = limit < MAX_ACTIVE_DEVICES ? limit : MAX_ACTIVE_DEVICES;
        devices = new DeviceInfo[](cap);
        uint256 found;
        uint256 scanned;
        while (id <= last && found < cap && scanned < MAX_PAGE_SCAN) {
            Keys storage k = _devices[account][id];
            bytes32 kak = k.keyAgreementKey;
            if (kak != 0) {
                devices[found] = DeviceInfo(id, k.signingKey, kak, _suiteOf(account, id));
                ++found;
            }
            ++id;
            ++scanned;
        }
        nextCursor = id <= last ? id : 0;
        // Shrink the array to the devices found; found <= cap, so this only shortens it.
        assembly ("memory-safe") {
            mstore(devices, found)
        }
    }

    /// @inheritdoc IDeviceRegistry
    function nextDeviceId(address account) external view returns (uint32) {
        return _accounts[account].devicesEverAdded + 1;
    }

    /// @inheritdoc IDeviceRegistry
    function activeDeviceCount(address account) external view returns (uint32) {
        return _accounts[account].activeCount;
    }

    /// @inheritdoc IDeviceRegistry
    function nonces(address account) external view returns (uint256) {
        return _accounts[account].nonce;
    }

    /// @inheritdoc IDeviceRegistry
    function sequence(address account) external view returns (uint64) {
        return _accounts[account].sequence;
    }

    /// @inheritdoc IDeviceRegistry
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @dev Checks the deadline and the account's signature over `structHash`, then consumes the nonce in `a`
    /// (the caller stores `a`).
    function _useSignature(
        address account,
        Account memory a,
        bytes32 structHash,
        uint256 deadline,
        bytes calldata accountSig
    ) private view {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        if (!SignatureChecker.isValidSignatureNowCalldata(account, _hashTypedDataV4(structHash), accountSig))
        {
            revert InvalidSignature(account);
        }
        // A uint64 nonce cannot overflow: each increment costs a transaction.
        unchecked {
            ++a.nonce;
        }
    }

    /// @dev Validates and stores a new device, updates the counters in `a` and writes them back in one slot.
    function _addDevice(
        address account,
        Account memory a,
        uint32 deviceId,
        bytes32 signingKey,
        bytes32 keyAgreementKey,
        uint8 suite,
        bytes calldata deviceSig
    ) private {
        uint32 expected = a.devicesEverAdded + 1;
        if (deviceId != expected) revert UnexpectedDeviceId(expected, deviceId);
        if (signingKey == 0 || keyAgreementKey == 0) revert ZeroKey();
        if (deviceSig.length != DEVICE_SIG_LENGTH) revert InvalidDeviceSignatureLength(deviceSig.length);
        if (a.activeCount >= MAX_ACTIVE_DEVICES) revert TooManyActiveDevices(MAX_ACTIVE_DEVICES);
        if (suite != SUITE_ED25519_X25519) {
            if (suite != SUITE_ED25519_XWING) revert UnsupportedSuite(suite);
            _suites[account][deviceId] = suite;
        }
        _devices[account][deviceId] = Keys(signingKey, keyAgreementKey);
        // activeCount < 64 and sequence/devicesEverAdded grow by one per transaction: no overflow.
        unchecked {
            a.devicesEverAdded = expected;
            ++a.activeCount;
            ++a.sequence;
        }
        _accounts[account] = a;
        emit DeviceAdded(account, deviceId, signingKey, keyAgreementKey, suite, a.sequence, deviceSig);
    }

    /// @dev Clears the key-agreement key of an active device and writes the counters in `a` back.
    function _revokeDevice(address account, Account memory a, uint32 deviceId) private {
        Keys storage k = _devices[account][deviceId];
        if (k.keyAgreementKey == 0) revert DeviceNotActive(account, deviceId);
        k.keyAgreementKey = 0;
        // An active device exists, so activeCount >= 1; sequence grows by one per transaction.
        unchecked {
            --a.activeCount;
            ++a.sequence;
        }
        _accounts[account] = a;
        emit DeviceRevoked(account, deviceId, a.sequence);
    }

    /// @dev Replaces the key-agreement key of an active device and writes the counters in `a` back.
    function _rotateKeyAgreementKey(
        address account,
        Account memory a,
        uint32 deviceId,
        bytes32 keyAgreementKey,
        bytes calldata deviceSig
    ) private {
        if (keyAgreementKey == 0) revert ZeroKey();
        if (deviceSig.length != DEVICE_SIG_LENGTH) revert InvalidDeviceSignatureLength(deviceSig.length);
        Keys storage k = _devices[account][deviceId];
        if (k.keyAgreementKey == 0) revert DeviceNotActive(account, deviceId);
        k.keyAgreementKey = keyAgreementKey;
        // sequence grows by one per transaction: no overflow.
        unchecked {
            ++a.sequence;
        }
        _accounts[account] = a;
        emit KeyAgreementKeyRotated(account, deviceId, keyAgreementKey, a.sequence, deviceSig);
    }

    /// @dev Returns the suite of an existing device: the stored non-default suite, or the default.
    function _suiteOf(address account, uint32 deviceId) private view returns (uint8) {
        uint8 s = _suites[account][deviceId];
        return s == 0 ? SUITE_ED25519_X25519 : s;
    }
}
