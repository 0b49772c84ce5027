// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Test} from "../utils/Test.sol";
import {vm} from "../utils/Vm.sol";
import {DeviceRegistry} from "../../src/DeviceRegistry.sol";
import {IDeviceRegistry} from "../../src/interfaces/IDeviceRegistry.sol";

/// @notice Shared fixtures for the DeviceRegistry suites: a registry, an account key and EIP-712 signing
/// helpers that build the digest from the spec, independently of the contract.
abstract contract DeviceRegistryTestBase is Test {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant ADD_TYPEHASH = keccak256(
        "AddDevice(address account,uint32 deviceId,bytes32 signingKey,bytes32 keyAgreementKey,uint8 suite,"
        "bytes32 deviceSigHash,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant REVOKE_TYPEHASH =
        keccak256("RevokeDevice(address account,uint32 deviceId,uint256 nonce,uint256 deadline)");
    bytes32 internal constant ROTATE_TYPEHASH = keccak256(
        "RotateKeyAgreementKey(address account,uint32 deviceId,bytes32 keyAgreementKey,bytes32 deviceSigHash,"
        "uint256 nonce,uint256 deadline)"
    );
    /// @dev secp256k1 group order, to build the malleable (high-s) twin of a signature.
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    uint8 internal constant SUITE = 1;

    DeviceRegistry internal registry;
    uint256 internal aliceKey;
    address internal alice;
    address internal relayer;

    function setUp() public virtual {
        registry = new DeviceRegistry();
        (aliceKey, alice) = _makeKey("alice");
        (, relayer) = _makeKey("relayer");
        vm.warp(1_700_000_000);
    }

    /// @dev Deterministic, realistic (all bytes random-looking) keys and signature for device `id`.
    function _device(uint32 id) internal pure returns (bytes32 sk, bytes32 kak, bytes memory sig) {
        sk = keccak256(abi.encode("signing", id));
        kak = keccak256(abi.encode("agreement", id));
        sig = abi.encodePacked(keccak256(abi.encode("r", id)), keccak256(abi.encode("s", id)));
    }

    /// @dev Adds the next device of `account` from the account itself and returns its id.
    function _add(address account) internal returns (uint32 id) {
        id = registry.nextDeviceId(account);
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(id);
        vm.prank(account);
        registry.addDevice(id, sk, kak, SUITE, sig);
    }

    function _domainSeparator(address verifyingContract, uint256 chainId) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH,
                keccak256("Parley DeviceRegistry"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
    }

    function _sign(uint256 key, bytes32 domain, bytes32 structHash) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(key, keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
        return abi.encodePacked(r, s, v);
    }

    function _addHash(address account, uint32 id, uint8 suite, uint256 nonce, uint256 deadline)
        internal
        pure
        returns (bytes32)
    {
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(id);
        return
            keccak256(abi.encode(ADD_TYPEHASH, account, id, sk, kak, suite, keccak256(sig), nonce, deadline));
    }

    /// @dev The account's signature for adding device `id` to this registry on this chain.
    function _signAdd(uint256 key, address account, uint32 id, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        return _sign(
            key,
            _domainSeparator(address(registry), block.chainid),
            _addHash(account, id, SUITE, nonce, deadline)
        );
    }

    function _signRevoke(uint256 key, address account, uint32 id, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        return _sign(
            key,
            _domainSeparator(address(registry), block.chainid),
            keccak256(abi.encode(REVOKE_TYPEHASH, account, id, nonce, deadline))
        );
    }

    function _signRotate(
        uint256 key,
        address account,
        uint32 id,
        bytes32 kak,
        bytes memory deviceSig,
        uint256 nonce,
        uint256 deadline
    ) internal view returns (bytes memory) {
        return _sign(
            key,
            _domainSeparator(address(registry), block.chainid),
            keccak256(abi.encode(ROTATE_TYPEHASH, account, id, kak, keccak256(deviceSig), nonce, deadline))
        );
    }

    /// @dev Relays device `id` for `account` with `accountSig`.
    function _relayAdd(address account, uint32 id, uint256 deadline, bytes memory accountSig) internal {
        (bytes32 sk, bytes32 kak, bytes memory sig) = _device(id);
        vm.prank(relayer);
        registry.addDeviceFor(account, id, sk, kak, SUITE, sig, deadline, accountSig);
    }

    function _assertActive(address account, uint32 id, bool want) internal view {
        (,,, bool active) = registry.device(account, id);
        vm.assertEq(active, want);
    }
}
