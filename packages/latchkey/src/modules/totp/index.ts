// Public surface of the TOTP module: enrollment of seeds and generation/verification of one-time codes.

export { decodeBase32, encodeBase32 } from './base32.js';
export { enrollOtp, type OtpEnrollment } from './enroll.js';
export { IMAGE_LIMITS } from './image-header.js';
export { hotp, MAX_VERIFY_WINDOW, type OtpKey, type TotpCode, type TotpKey, totpAt, verifyTotp } from './otp.js';
export {
  createOtpParams,
  describeOtpParams,
  OTP_ALGORITHMS,
  OTP_LIMITS,
  type OtpAlgorithm,
  type OtpKind,
  type OtpParams,
  type OtpParamsDescription,
} from './otp-params.js';
export { MAX_OTPAUTH_URI_LENGTH, parseOtpauthUri } from './otpauth.js';
export { decodeQrImage, QR_SCAN_MAX_PIXELS } from './qr.js';
export { TOTP_ERROR_MESSAGES, TotpError, type TotpErrorCode, type TotpErrorDetail } from './totp-errors.js';
