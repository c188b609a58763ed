/** Deeper attribute values are refused: OTel encoders never nest this far, and decoding recursion must stay bounded. */
export const maxAttributeDepth = 32;
